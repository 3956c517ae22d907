/* faultserver: the fault server of faultserver.h as a program, for the
 * shell tests: prints its port, serves until stdin closes or it is
 * killed. */
#include "faultserver.h"

#include <stdio.h>
#include <unistd.h>

int main(void)
{
    fs_server *s;
    int port = fs_start(&s);
    if (port < 0) {
        fprintf(stderr, "faultserver: cannot listen on 127.0.0.1\n");
        return 1;
    }
    printf("%d\n", port);
    fflush(stdout);
    char c;
    while (read(STDIN_FILENO, &c, 1) > 0)
        ;
    fs_stop(s);
    return 0;
}
