/* Cross-check with Spin 6.5.2 (not needed by the tests):
     spin -a peterson.pml && gcc -O2 -DSAFETY -DNOREDUCE -DNOCLAIM -DBFS -o pan pan.c && ./pan
   reports 20 states stored, as check() does; compiled without -DNOCLAIM, the mutex claim holds. */
/* Peterson's algorithm for two processes, the same model as examples/peterson: four control
   locations per process (idle, flag raised, turn given away, critical section), each step
   atomic. */
bool flag[2];
bit turn;

active [2] proctype P() {
  do
  :: flag[_pid] = true;
     turn = 1 - _pid;
     (flag[1 - _pid] == false || turn == _pid);
cs:  flag[_pid] = false
  od
}

ltl mutex { [] !(P[0]@cs && P[1]@cs) }
