/*
 * A decoy native library: built under the name of a library the backends ship (libtorch_cpu.so, libc10.so, ...)
 * and put on LD_LIBRARY_PATH for the tests. The dynamic linker searches LD_LIBRARY_PATH before a library's own
 * folder, so a backend that ever resolves one of its libraries there loads this instead, and the process ends at
 * once with exit code 97 and the library's name, whatever the test was doing.
 */
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void decoy(void) {
	fprintf(stderr, "DECOY LIBRARY LOADED: %s (found on LD_LIBRARY_PATH instead of the backend's own)\n", DECOY_NAME);
	fflush(stderr);
	_exit(97);
}
