import Raster
import Workloads

enum GlowWorkloadFixture {
    static func draw(width: Int, height: Int, count: Int) -> DrawCall {
        GlowWorkload(count: count, width: width, height: height).draw()
    }
}
