"""A drop-in for the kernel's ``kernel-doc`` program: same flags, same
output bytes, same warnings, for the Perl (6.x) and Python (7.x) tools."""
