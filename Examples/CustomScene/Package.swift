// swift-tools-version:6.1
//
// A program with a scene of its own, built on Photophore's library products: it defines a
// `Scene` (its own mind, memory, world and painter) and renders it to PNG and MP4.
// tools/build-example.sh builds and runs it.
import PackageDescription

// A package used by path is known by its folder's name: the name of the folder two up
// (the Photophore checkout, whatever it is called).
let photophore = Context.packageDirectory.split(separator: "/").dropLast(2).last.map { $0.lowercased() } ?? "photophore"

let package = Package(
    name: "CustomScene",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "CustomScene",
            dependencies: [
                .product(name: "Engine", package: photophore),
                .product(name: "Sinks", package: photophore),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
