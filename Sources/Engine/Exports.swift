// `import Engine` is all a program with a scene of its own needs (Examples/CustomScene):
// the modules a `Scene` is written with come with it.
@_exported import Mind
@_exported import Raster
@_exported import Scenes
@_exported import Simulation
@_exported import Stimuli
