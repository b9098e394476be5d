// COIN-OR CBC's C interface (Debian coinor-libcbc-dev, EPL-2.0): the MILP solver behind PDLC's exact step; and
// Clp's (its LP solver, Debian coinor-libclp-dev, EPL-2.0): the master LP of the optimum benchmark's packing bound.
#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>
