/* random.c - operators that draw random numbers.
 *
 * pyts cannot reproduce torch's random generator (Philox/MT streams, their
 * seeding and per-thread offsets), and a parity runtime must not return
 * numbers torch would never produce.  These ops are registered so that a
 * model that merely contains them (stochastic depth, dropout written by hand,
 * both skipped in eval mode) loads and runs; a call that is actually reached
 * fails with PTS_ERR_UNSUPPORTED naming the op. */
#include "ops/kernel.h"

static pts_status k_random(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)args;
    (void)rets;
    return pts_err_set(PTS_ERR_UNSUPPORTED,
                       "%s%s%s draws random numbers: pyts cannot reproduce torch's random generator, so it does "
                       "not run random ops (models containing them load; eval-mode paths that skip them run)",
                       op->schema.name, op->schema.overload[0] ? "." : "", op->schema.overload);
}

const pts_op_def pts_ops_random[] = {
    PTS_OP("aten::bernoulli_.Tensor(Tensor(a!) self, Tensor p, *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::bernoulli_.float(Tensor(a!) self, float p=0.5, *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::bernoulli(Tensor self, *, Generator? generator=None) -> Tensor", k_random),
    PTS_OP("aten::bernoulli.p(Tensor self, float p, *, Generator? generator=None) -> Tensor", k_random),
    PTS_OP("aten::bernoulli.Tensor(Tensor self, Tensor p, *, Generator? generator=None) -> Tensor", k_random),
    PTS_OP("aten::uniform_(Tensor(a!) self, float from=0., float to=1., *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::normal_(Tensor(a!) self, float mean=0., float std=1., *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::exponential_(Tensor(a!) self, float lambd=1., *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::random_(Tensor(a!) self, *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::random_.from(Tensor(a!) self, int from, int? to, *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::random_.to(Tensor(a!) self, int to, *, Generator? generator=None) -> Tensor(a!)", k_random),
    PTS_OP("aten::rand(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_random),
    PTS_OP("aten::randn(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_random),
    PTS_OP("aten::rand_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_random),
    PTS_OP("aten::randn_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_random),
    PTS_OP("aten::randint(SymInt high, SymInt[] size, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_random),
    PTS_OP("aten::randint.low(SymInt low, SymInt high, SymInt[] size, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_random),
    PTS_OP("aten::randint_like(Tensor self, SymInt high, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_random),
    PTS_OP("aten::randperm(SymInt n, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_random),
    PTS_OP("aten::multinomial(Tensor self, SymInt num_samples, bool replacement=False, *, Generator? generator=None) -> Tensor", k_random),
    {NULL, NULL},
};
