//go:build !cgo && !nocuda

package probe

// A plain build is the CUDA build, which needs cgo. This undefined name
// is the compiler's message when cgo is off: build with CGO_ENABLED=1 (and
// the CUDA headers), or use the pure-Go build with -tags nocuda.
var _ = the_CUDA_build_needs_cgo_set_CGO_ENABLED_1_or_build_with_tags_nocuda
