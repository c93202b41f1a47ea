class Outer(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  h : __torch__.Hooked
  def forward(self: __torch__.Outer,
    x: Tensor) -> Tensor:
    h = self.h
    _0 = __torch__.Hooked.pre_hook(h, (x,), )
    _1, = _0
    _2 = __torch__.Hooked.post_hook(h, _0, (h).forward(_1, ), )
    return _2
class Hooked(Module):
  __parameters__ = []
  __buffers__ = []
  __forward_pre_hooks__ = ["pre_hook", ]
  __forward_hooks__ = ["post_hook", ]
  training : bool
  _is_full_backward_hook : Optional[bool]
  inner : __torch__.torch.nn.modules.linear.___torch_mangle_0.Linear
  def forward(self: __torch__.Hooked,
    x: Tensor) -> Tensor:
    inner = self.inner
    return torch.mul((inner).forward(x, ), 2)
  def post_hook(mod: __torch__.Hooked,
    inp: Tuple[Tensor],
    out: Tensor) -> Tensor:
    return torch.sub(out, 1)
  def pre_hook(mod: __torch__.Hooked,
    inp: Tuple[Tensor]) -> Tuple[Tensor]:
    return (torch.add((inp)[0], 1),)
