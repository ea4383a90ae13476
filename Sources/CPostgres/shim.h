// libpq, PostgreSQL's own C client (Debian's libpq-dev).
#include <libpq-fe.h>
