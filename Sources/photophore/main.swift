// The `photophore` executable: a thin shell over PhotophoreCLI.
import CPUCheck
import PhotophoreCLI

// CPUCheck's constructor already refused an unsupported CPU before main; this reference
// keeps its object file linked.
_ = photophore_cpu_supported()
PhotophoreCommand.runAndExit()
