class ControlFlow(Module):
  __parameters__ = []
  __buffers__ = ["buf", ]
  buf : Tensor
  training : bool
  _is_full_backward_hook : NoneType
  color : __torch__.Color
  d : Dict[str, List[int]]
  opt : NoneType
  sub_i : __torch__.SubIface
  lin : __torch__.torch.nn.modules.linear.Linear
  seq : __torch__.torch.nn.modules.container.Sequential
  mods : __torch__.torch.nn.modules.container.ModuleList
  md : __torch__.torch.nn.modules.container.ModuleDict
  ninf : Final[float] = -inf
  big : Final[float] = 1.0000000000000001e+300
  k : Final[int] = 3
  tup : Final[Tuple[int, float, str]] = (1, -2.5, "a\n\001\"\'\\")
  b : Final[bool] = True
  s : Final[str] = "hi"
  neg : Final[int] = -9223372036854775808
  f : Final[float] = 1.0000000000000001e-05
  dev : Final[Device] = torch.device("cpu")
  def forward(self: __torch__.ControlFlow,
    x: Tensor,
    c: int=3,
    p: Optional[__torch__.Point]=None) -> Tuple[Tensor, int, str]:
    _0 = uninitialized(int)
    _1 = uninitialized(bool)
    acc = 0
    _2 = 0
    _3 = torch.gt(c, 0)
    while _3:
      if torch.eq(_2, 2):
        _4, _5, _6, _7, _8 = True, True, acc, _1, _0
      else:
        if torch.gt(_2, 10):
          _9, _10, _11, _12, _13 = True, False, acc, _1, _0
        else:
          _9, _10, _11, _12, _13 = False, _1, _0, True, torch.add(acc, _2)
        _4, _5, _6, _7, _8 = _9, _10, _11, _12, _13
      if _4:
        _14, _15 = _5, _6
      else:
        _14, _15 = _7, _8
      _16 = torch.add(_2, 1)
      _17 = torch.__and__(torch.lt(_16, c), _14)
      _3, acc, _2 = _17, _15, _16
    if torch.lt(0, c):
      _18 = torch.lt(acc, 100)
    else:
      _18 = False
    acc0 = acc
    j = 0
    _19 = _18
    while _19:
      j0 = torch.add(j, 1)
      _20 = torch.eq(torch.remainder(acc0, 2), 0)
      if _20:
        acc1 = torch.mul(acc0, 2)
      else:
        acc1 = torch.add(acc0, 1)
      if torch.lt(j0, c):
        _21 = torch.lt(acc1, 100)
      else:
        _21 = False
      _19, acc0, j = _21, acc1, j0
    d = {"a": 1, "b": 2}
    _22 = torch.items(d)
    acc2 = acc0
    for _23 in range(torch.len(_22)):
      k, v, = _22[_23]
      acc3 = torch.add(acc2, torch.add(v, torch.len(k)))
      acc2 = acc3
    l = annotate(List[int], [])
    _24 = [1, 2, 3]
    for _25 in range(torch.len(_24)):
      e = _24[_25]
      _26 = torch.append(l, e)
    l2 = annotate(List[int], [])
    for _27 in range(torch.len(l)):
      e0 = l[_27]
      _28 = torch.append(l2, torch.mul(e0, 2))
    dd = annotate(Dict[str, int], {})
    for _29 in range(torch.len(l)):
      e1 = l[_29]
      torch._set_item(dd, str(e1), e1)
    if torch.__isnot__(p, None):
      p0 = unchecked_cast(__torch__.Point, p)
      acc4 = torch.add(acc2, (p0)[0])
    else:
      acc4 = acc2
    color = self.color
    _30 = torch.eq(color, __torch__.Color.RED)
    if _30:
      acc5 = torch.add(acc4, 1)
    else:
      acc5 = acc4
    a = __torch__.Acc.__new__(__torch__.Acc)
    _31 = (a).__init__(acc5, )
    _32 = (a).add(3, )
    _33 = __torch__.Ctx.__new__(__torch__.Ctx)
    _34 = (_33).__init__(2, )
    with _33:
      acc6 = torch.add(acc5, 1)
    sub_i = self.sub_i
    y = torch.mul((sub_i).forward(x, ), 3)
    seq = self.seq
    y0 = (seq).forward(y, )
    mods = self.mods
    _00 = getattr(mods, "0")
    _110 = getattr(mods, "1")
    y1 = (_00).forward(y0, )
    y2 = (_110).forward(y1, )
    md = self.md
    a0 = md.a
    y3 = (a0).forward(y2, )
    x0 = unchecked_cast(Tensor, x)
    if torch.gt(torch.dim(y3), 1):
      _35 = torch.slice(torch.slice(y3, 0, 0, 1), 1, None, None, 2)
      y4 = _35
    else:
      y4 = y3
    def __forked_function():
      return __torch__.helper(x0, 3, )
    fut = fork(__forked_function)
    z = torch.wait(fut)
    s = torch.format("{} and {}", acc6, "hi")
    if torch.lt(acc6, -1000):
      _36 = torch.add("too small ", str(acc6))
      ops.prim.RaiseException(_36, "builtins.ValueError")
    else:
      pass
    if torch.ge(acc6, 0):
      pass
    else:
      ops.prim.RaiseException("AssertionError: negative")
    t = annotate(List[float], torch.view(x0, [-1]).tolist())
    _37 = torch.add(y4, torch.sum(z))
    _38 = torch.sum(__torch__.helper(x0, 2, ))
    _39 = torch.add(_37, _38)
    lin = self.lin
    _40 = torch.sum((lin).forward(torch.ones([2]), ))
    _41 = torch.add(_39, _40)
    _42 = torch.add(torch.add(acc6, torch.len(l2)), torch.len(dd))
    _43 = (_41, torch.add(_42, torch.len(t)), s)
    return _43
  def other(self: __torch__.ControlFlow,
    m: __torch__.Mode,
    xs: List[Tensor]) -> Optional[Tensor]:
    if torch.eq(m, __torch__.Mode.A):
      _44 : Optional[Tensor] = torch.cat(xs)
    else:
      _44 = None
    return _44
class Sub(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.Sub,
    x: Tensor) -> Tensor:
    return torch.add(x, 1)
class Color(Enum):
  RED = 1
  GREEN = 2
class SubIface(ModuleInterface):
  def forward(self, x: Tensor) -> Tensor:
    pass
class Point(NamedTuple):
  x : int
  y : float
def helper(x: Tensor,
    k: int=2) -> Tensor:
  return torch.mul(x, k)
class Acc:
  total : int
  items : List[int]
  def __init__(self: __torch__.Acc,
    start: int) -> NoneType:
    self.total = start
    self.items = annotate(List[int], [])
    return None
  def add(self: __torch__.Acc,
    v: int) -> int:
    total = self.total
    self.total = torch.add(total, v)
    items = self.items
    _45 = torch.append(items, v)
    return self.total
class Ctx:
  n : int
  def __enter__(self: __torch__.Ctx) -> NoneType:
    n = self.n
    self.n = torch.add(n, 1)
    return None
  def __exit__(self: __torch__.Ctx,
    a: Any,
    b: Any,
    c: Any) -> NoneType:
    n = self.n
    self.n = torch.sub(n, 1)
    return None
  def __init__(self: __torch__.Ctx,
    n: int) -> NoneType:
    self.n = n
    return None
class Mode(Enum):
  A = "a"
  B = "b"
