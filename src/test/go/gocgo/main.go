// Fixture for a Go binary that uses cgo: C code (getppid through libc) beside Go code
// (getpgid through syscall.Syscall).
package main

// #include <unistd.h>
import "C"

import (
	"fmt"
	"syscall"
)

func main() {
	pgrp, _, _ := syscall.Syscall(syscall.SYS_GETPGID, 0, 0, 0)
	fmt.Println(pgrp > 0, C.getppid() > 0)
}
