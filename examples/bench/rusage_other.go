//go:build !unix

package main

import "os"

// maxRSS returns -1: this system does not say a process's peak memory.
func maxRSS(ps *os.ProcessState) int64 { return -1 }
