import Raster
import Scenes
import Testing

/// Blended triangles composite back to front (`ColorMesh.sortBackToFront`).
@Suite struct BlendOrderTests {
    @Test func trianglesAreSortedFarthestFirstAndTiesKeepTheirOrder() {
        let mesh = ColorMesh()
        // Triangles centred at z = -1, -5, -3 and another at -5, seen from the origin.
        for z: Float in [-1, -5, -3, -5] {
            let a = mesh.vertex(SIMD3(-1, 0, z), .zero), b = mesh.vertex(SIMD3(1, 0, z), .zero), c = mesh.vertex(SIMD3(0, 1, z), .zero)
            mesh.triangle(a, b, c)
        }
        mesh.sortBackToFront(eye: .zero)
        let firstVertices = stride(from: 0, to: mesh.indices.count, by: 3).map { mesh.indices[$0] }
        #expect(firstVertices == [3, 9, 6, 0])
    }
}
