/* zeta.h - the Hurwitz zeta function of special/special.c (torch's algorithm),
 * shared with special/bessel.c's special_zeta. */
#ifndef PTS_OPS_SPECIAL_ZETA_H
#define PTS_OPS_SPECIAL_ZETA_H

/* zeta(x, q) = sum_k (k + q)^-x, in double */
double pts_special_zeta(double x, double q);

#endif
