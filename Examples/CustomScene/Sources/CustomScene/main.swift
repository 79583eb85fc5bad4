import Engine
import Sinks

// Three beats, rendered at 640x360: frame 90 to a PNG, two seconds to an MP4.
let script = Script(scene: Pulse.name, events: [0.2, 1.0, 1.4].map { StimulusEvent(t: $0, .click(x: 0.5, y: 0.5)) })
let settings = RenderSettings(scene: Pulse.name, width: 640, height: 360, script: script, richness: .rich)
let renderer = try SceneRenderer(settings, scene: Pulse.self)

let video = try VideoWriter(path: "pulse.mp4", width: 640, height: 360)
var image = Image8(width: 640, height: 360)
for frame in 0..<120 {
    renderer.render(frame: frame, into: &image)
    try video.append(image)
    if frame == 90 { try PNG.write(image, to: "pulse.png") }
}
_ = try video.finish()
print("pulse.png, pulse.mp4: \(renderer.hud.lines.joined()), \(renderer.finish().count) beats to remember")
