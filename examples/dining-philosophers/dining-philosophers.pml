/* Cross-check with Spin 6.5.2 (not needed by the tests):
     spin -DN=5 -DORDERED=0 -a phil.pml && gcc -O2 -DSAFETY -DNOREDUCE -DBFS -o pan pan.c && ./pan -E
   reports 82 states stored (ORDERED=1: 70), as check() does; without -E, pan reports the
   invalid end state (the deadlock) at depth 5. */
/* Dining philosophers, the same model as examples/dining-philosophers: three control
   locations per philosopher (take first fork, take second fork, put both down), each an
   atomic step. fork[f] is 0 when on the table, holder + 1 otherwise.
   Compile with -DN=<philosophers> and -DORDERED=0|1. */
#ifndef N
#define N 5
#endif
#ifndef ORDERED
#define ORDERED 0
#endif
#define LEFT  _pid
#define RIGHT ((_pid + 1) % N)
#define FIRST  ((ORDERED && RIGHT < LEFT) -> RIGHT : LEFT)
#define SECOND ((ORDERED && RIGHT < LEFT) -> LEFT : RIGHT)

byte fork[N];

active [N] proctype phil() {
  do
  :: atomic { fork[FIRST] == 0 -> fork[FIRST] = _pid + 1 };
     atomic { fork[SECOND] == 0 -> fork[SECOND] = _pid + 1 };
     atomic { fork[FIRST] = 0; fork[SECOND] = 0 }
  od
}
