#include "config.h"

#include <crypt.h>
#include <string.h>

#include "util/password.h"
#include "util/token.h"
#include "util/xalloc.h"

char *password_hash(const char *plain)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	const char *h;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return NULL;
	memset(&data, 0, sizeof(data));
	h = crypt_r(plain, salt, &data);
	if (h == NULL || h[0] == '*')
		return NULL;
	return xstrdup(h);
}

int password_check(const char *plain, const char *hash)
{
	struct crypt_data data;
	const char *h;

	memset(&data, 0, sizeof(data));
	h = crypt_r(plain, hash, &data);
	if (h == NULL || h[0] == '*')
		return 0;
	return token_equal(h, hash);
}

void password_check_dummy(const char *plain)
{
	/* A fixed yescrypt hash of a random string with default cost. */
	static const char dummy[] =
		"$y$j9T$7ZJ3fX0KkKz2nN9cQZ8oQ.$6a0QvC8ZtmU1o1iFpZqO9wA8cD1bXkTnU8Y0gH3sLq7";
	(void)password_check(plain, dummy);
}
