// COIN-OR CBC's C interface (Debian coinor-libcbc-dev, EPL-2.0): the MILP solver behind PDLC's exact step.
#include <coin/Cbc_C_Interface.h>
