//go:build nocuda

package main

// cudaBuild: this is the CPU-only build (squid version says so).
const cudaBuild = false
