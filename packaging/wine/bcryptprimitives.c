/*
 * A stand-in for Windows' bcryptprimitives.dll, for testing under Wine
 * only: Go since 1.22 gets its random numbers from ProcessPrng in that DLL,
 * which Windows 10 and 11 have and Debian 12's Wine 8.0 lacks, so every Go
 * program dies there at start ("fatal error: bcryptprimitives.dll not
 * found"). packaging/dist-check.sh builds this with mingw-w64 into the
 * Wine prefix's system32; it is never shipped (the installer holds no DLL).
 * It fills the buffer from advapi32's RtlGenRandom (SystemFunction036).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
