/* Calls fix_used() from libstatic_lib.so, found through RUNPATH $ORIGIN/lib. */
long fix_used(void);

int main(void) {
    return fix_used() == 12345;
}
