/*
 * bcryptprimitives.dll for Wine 8.0, for make test-dist only: never
 * shipped. Go's runtime (1.22 and later) takes its random numbers from
 * ProcessPrng in bcryptprimitives.dll, which every Windows 10 and 11 has
 * but Debian 12's Wine 8.0 lacks, so without it a Go program under that
 * Wine stops at once with "bcryptprimitives.dll not found". This gives
 * Wine the one function, from Wine's own BCryptGenRandom.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;

		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
