#include <xsock.h>
int main(void) { return 0; }
