import Foundation
import GLTF
import Raster
import Testing

/// Models exported by Blender's glTF exporter (tools/make-blender-models.sh), when
/// PHOTOPHORE_BLENDER_MODELS names the folder it wrote; skipped, saying so, otherwise.
@Suite struct BlenderModelTests {
    static let folder = ProcessInfo.processInfo.environment["PHOTOPHORE_BLENDER_MODELS"]
    static let note = "PHOTOPHORE_BLENDER_MODELS is not set: run tools/make-blender-models.sh DIR, then set it to DIR"

    static func load(_ name: String) throws -> GLTFModel {
        try GLTFModel.load(contentsOf: folder! + "/" + name)
    }

    @Test(.enabled(if: folder != nil, Comment(rawValue: note)))
    func everyExportLoadsWithFiniteBounds() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder!).filter { $0.hasSuffix(".glb") || $0.hasSuffix(".gltf") }.sorted()
        #expect(names.count == 11, "\(names)")
        for name in names {
            let model = try Self.load(name)
            #expect(model.triangleCount > 0, "\(name)")
            let box = try #require(model.bounds(), "\(name)")
            #expect(box.size.max() > 0.5 && box.size.max() < 100, "\(name): \(box)")
            for p in model.meshes.flatMap(\.primitives) {
                #expect(p.normals.count == p.vertexCount, "\(name) has normals")
            }
        }
    }

    @Test(.enabled(if: folder != nil, Comment(rawValue: note)))
    func suzanneIsTheSameInEveryContainer() throws {
        let glb = try Self.load("suzanne.glb")
        #expect(glb.triangleCount == 968) // 500 faces, 468 of them quads
        for name in ["suzanne-separate.gltf", "suzanne-embedded.gltf"] {
            let other = try Self.load(name)
            #expect(other.meshes[0].primitives[0].positions == glb.meshes[0].primitives[0].positions, "\(name)")
            #expect(other.meshes[0].primitives[0].indices == glb.meshes[0].primitives[0].indices, "\(name)")
        }
        #expect(abs(glb.materials[0].baseColorFactor.x - 0.8) < 1e-3)
    }

    /// A cube, a cube, a 32-sided cylinder and a cone are 210 triangles; subdivided,
    /// bevelled, arrayed three times and mirrored they are 732. Six primitives are 2390.
    @Test(.enabled(if: folder != nil, Comment(rawValue: note)))
    func modifiersAreAppliedOnExport() throws {
        let modified = try Self.load("modifiers.glb")
        #expect(modified.meshes.count == 4)
        #expect(modified.triangleCount == 732)
        #expect(try Self.load("modifiers-separate.gltf").triangleCount == 732)
        #expect(try Self.load("primitives.glb").meshes.count == 6)
        #expect(try Self.load("primitives.glb").triangleCount == 2390)
    }

    @Test(.enabled(if: folder != nil, Comment(rawValue: note)))
    func texturesDecodeAsPNGAndJPEG() throws {
        for name in ["textured-png.glb", "textured-jpeg.glb", "textured-separate.gltf"] {
            let model = try Self.load(name)
            #expect(model.images.count == 1, "\(name)")
            #expect(model.images.first.map { $0.width == 16 && $0.height == 16 } == true, "\(name)")
            #expect(model.materials[0].baseColorTexture?.image == 0, "\(name)")
            #expect(model.meshes[0].primitives[0].texcoords.count == 4, "\(name)")
        }
    }

    /// The bend action moves the top of the skinned cylinder and brings it back.
    @Test(.enabled(if: folder != nil, Comment(rawValue: note)))
    func theArmatureBendsTheCylinder() throws {
        for name in ["armature.glb", "armature-embedded.gltf"] {
            let model = try Self.load(name)
            #expect(model.skins.count == 1 && model.skins[0].joints.count == 2, "\(name)")
            let clip = try #require(model.animations.first, "\(name)")
            #expect(clip.duration > 1)
            let index = model.animations.firstIndex { $0.name == clip.name }!
            let start = try #require(model.bounds(pose: model.pose(animation: index, at: 0)))
            let bent = try #require(model.bounds(pose: model.pose(animation: index, at: clip.duration / 2)))
            #expect(abs(bent.size.y - start.size.y) + abs(bent.size.z - start.size.z) > 0.5, "\(name): \(start) then \(bent)")
            let bind = try #require(model.bounds())
            #expect(near(start.min, bind.min, 0.05) && near(start.max, bind.max, 0.05), "\(name): \(start) against the bind pose \(bind)")
        }
    }
}
