/* opcodes.h - the bytecode of compiled TorchScript, one X-macro line per
 * instruction: X(NAME, "operands").  The enum, the name table and the
 * disassembler are generated from this list (interp.h, vm.c, compile.c).
 *
 * The machine is a register machine.  Every instruction is a pts_insn
 * {op, n, a, b, c}: `a` is usually the destination register, `b` a source
 * register or the first of `n` consecutive argument registers, `c` an index
 * into the code's constant pool, call-site table or a jump target.
 *
 * Registers [0, nlocals) are the function's named locals (parameters
 * first); registers above are temporaries.  An instruction that reads a
 * temporary consumes it (releases it and sets it to None), so every value
 * is released at its last use; locals are released when overwritten, by
 * CLEAR after their last read, and when the frame ends.
 */
#define PTS_OPCODES(X)                                                                     \
    X(NOP, "")                                                                             \
    X(LOADK, "a=dst c=const")                                                              \
    X(LOADNONE, "a=dst")                                                                   \
    X(LOADINT, "a=dst c=int32 immediate")                                                  \
    X(LOADBOOL, "a=dst c=0/1")                                                             \
    X(LOADCONSTTAB, "a=dst c=index in the unit's CONSTANTS table")                         \
    X(LOADUNINIT, "a=dst")                                                                 \
    X(MOVE, "a=dst b=src (copy)")                                                          \
    X(CLEAR, "a=reg: release (after its last use)")                                        \
    X(JUMP, "c=target")                                                                    \
    X(JUMPIFNOT, "b=cond c=target")                                                        \
    X(JUMPIF, "b=cond c=target")                                                           \
    X(RETURN, "b=src")                                                                     \
    X(CALLOP, "a=dst b=args n=count c=op site (operator, overloads resolved per arg tags)") \
    X(CALLFN, "a=dst b=args n=count c=fn site (compiled function)")                        \
    X(CALLMETHOD, "a=dst b=receiver,args n=count c=method site (class cache)")             \
    X(NEWOBJ, "a=dst c=class site")                                                        \
    X(GETATTR, "a=dst b=obj c=attr site (class cache)")                                    \
    X(SETATTR, "a=obj b=val c=attr site")                                                  \
    X(TUPLE, "a=dst b=items n=count c=type const or -1")                                   \
    X(LIST, "a=dst b=items n=count c=type const or -1")                                    \
    X(DICT, "a=dst b=key,value pairs n=pairs c=type const or -1")                          \
    X(UNPACK, "a=first dst b=src n=count")                                                 \
    X(SUBSCR, "a=dst b=obj,index")                                                         \
    X(SLICE, "a=dst b=obj,start,end,step")                                                 \
    X(CONTAINS, "a=dst b=container,item (`in`)")                                           \
    X(NOT, "a=dst b=src")                                                                  \
    X(IS, "a=dst b=x,y")                                                                   \
    X(ISNOT, "a=dst b=x,y")                                                                \
    X(ISINSTANCE, "a=dst b=src c=type const")                                              \
    X(CONVERT, "a=dst b=src c=type const (annotate: Tensor -> int/float/Scalar)")          \
    X(FORRANGE, "a=var b=state(cur,stop,step) c=exit")                                     \
    X(FORITER, "a=var b=state(iterable,index) c=exit")                                     \
    X(PUSHWITH, "b=obj")                                                                   \
    X(POPWITH, "")                                                                         \
    X(RAISE, "b=message c=exception class name const")                                                          \
    X(ASSERTFAIL, "b=message (or -1)")                                                     \
    X(PRINT, "b=values n=count")                                                           \
    X(MAKEFUTURE, "a=dst b=value")                                                         \
    X(WAIT, "a=dst b=future")
