#!/usr/bin/env bash
# Exports test models with Blender's own glTF exporter, for the GLTF tests that read models
# from another tool than three.js: Suzanne, primitives with and without modifiers, a
# textured plane (PNG and JPEG), and a skinned cylinder on a two-bone armature with an
# action, as .glb, .gltf with a separate .bin and .gltf with data URIs.
#
# usage: tools/make-blender-models.sh OUTDIR
#        PHOTOPHORE_BLENDER_MODELS=OUTDIR swift test --filter GLTFTests.BlenderModelTests
#
# Needs Debian's blender and python3-numpy (not in tools/setup.sh: Blender is large, and
# only these tests use it). The files are written to OUTDIR, never into the repository.
set -euo pipefail
(($# == 1)) || { echo "make-blender-models: usage: tools/make-blender-models.sh OUTDIR" >&2; exit 2; }
command -v blender >/dev/null 2>&1 || { echo "make-blender-models: blender is not installed (apt-get install blender python3-numpy)" >&2; exit 1; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
MODELS_OUT="$out" blender -b --factory-startup --python-exit-code 1 --python-expr '
import os
import bpy

out = os.environ["MODELS_OUT"]

def reset():
    bpy.ops.wm.read_factory_settings(use_empty=True)

def export(name, fmt="GLB", **options):
    bpy.ops.export_scene.gltf(filepath=os.path.join(out, name), export_format=fmt, export_apply=True, **options)

def material(name, rgba, image=None):
    m = bpy.data.materials.new(name)
    m.use_nodes = True
    bsdf = m.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = rgba
    if image is not None:
        tex = m.node_tree.nodes.new("ShaderNodeTexImage")
        tex.image = image
        m.node_tree.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    return m

# Suzanne, smooth shaded, in every container.
reset()
bpy.ops.mesh.primitive_monkey_add()
bpy.ops.object.shade_smooth()
bpy.context.object.data.materials.append(material("skin", (0.8, 0.5, 0.2, 1)))
export("suzanne.glb")
export("suzanne-separate.gltf", "GLTF_SEPARATE")
export("suzanne-embedded.gltf", "GLTF_EMBEDDED")

# Primitives without modifiers.
reset()
bpy.ops.mesh.primitive_cube_add(location=(0, 0, 0))
bpy.ops.mesh.primitive_uv_sphere_add(location=(3, 0, 0))
bpy.ops.mesh.primitive_cylinder_add(location=(-3, 0, 0))
bpy.ops.mesh.primitive_cone_add(location=(0, 3, 0))
bpy.ops.mesh.primitive_torus_add(location=(0, -3, 0))
bpy.ops.mesh.primitive_ico_sphere_add(location=(3, 3, 0), subdivisions=2)
export("primitives.glb")

# The same kinds with modifiers applied on export: subdivision, bevel, array, mirror.
reset()
bpy.ops.mesh.primitive_cube_add(location=(0, 0, 0))
bpy.context.object.modifiers.new("sub", "SUBSURF").levels = 2
bpy.ops.mesh.primitive_cube_add(location=(3, 0, 0))
bpy.context.object.modifiers.new("bevel", "BEVEL").width = 0.2
bpy.ops.mesh.primitive_cylinder_add(location=(-3, 0, 0))
array = bpy.context.object.modifiers.new("array", "ARRAY")
array.count = 3
bpy.ops.mesh.primitive_cone_add(location=(0, 3, 0))
bpy.context.object.modifiers.new("mirror", "MIRROR")
export("modifiers.glb")
export("modifiers-separate.gltf", "GLTF_SEPARATE")

# A textured plane: the image exported as PNG, then as JPEG.
reset()
image = bpy.data.images.new("checker", 16, 16)
image.generated_type = "COLOR_GRID"
bpy.ops.mesh.primitive_plane_add()
bpy.context.object.data.materials.append(material("checker", (1, 1, 1, 1), image))
export("textured-png.glb", export_image_format="AUTO")
export("textured-jpeg.glb", export_image_format="JPEG")
export("textured-separate.gltf", "GLTF_SEPARATE", export_image_format="JPEG")

# A cylinder skinned to two bones, and an action that bends the upper one.
reset()
bpy.ops.mesh.primitive_cylinder_add(vertices=16, depth=4, location=(0, 0, 2))
body = bpy.context.object
bpy.ops.object.mode_set(mode="EDIT")
bpy.ops.mesh.select_all(action="SELECT")
bpy.ops.mesh.subdivide(number_cuts=6)
bpy.ops.object.mode_set(mode="OBJECT")
bpy.ops.object.armature_add(location=(0, 0, 0))
rig = bpy.context.object
bpy.ops.object.mode_set(mode="EDIT")
lower = rig.data.edit_bones[0]
lower.name = "lower"
lower.head, lower.tail = (0, 0, 0), (0, 0, 2)
upper = rig.data.edit_bones.new("upper")
upper.head, upper.tail = (0, 0, 2), (0, 0, 4)
upper.parent = lower
bpy.ops.object.mode_set(mode="OBJECT")
body.select_set(True)
rig.select_set(True)
bpy.context.view_layer.objects.active = rig
bpy.ops.object.parent_set(type="ARMATURE_AUTO")
bpy.ops.object.mode_set(mode="POSE")
bone = rig.pose.bones["upper"]
bone.rotation_mode = "XYZ"
for frame, angle in [(1, 0.0), (20, 0.8), (40, 0.0)]:
    bone.rotation_euler = (angle, 0, 0)
    bone.keyframe_insert("rotation_euler", frame=frame)
bpy.ops.object.mode_set(mode="OBJECT")
rig.animation_data.action.name = "Bend"
export("armature.glb", export_animations=True)
export("armature-embedded.gltf", "GLTF_EMBEDDED", export_animations=True)
' >"$log" 2>&1 || { cat "$log" >&2; echo "make-blender-models: blender failed" >&2; exit 1; }
ls "$out"
