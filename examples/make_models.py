"""Make the example TorchScript files of the PyTorch tutorial "Loading a
TorchScript Model in C++" (needs torch and torchvision; seeded, random weights).

    python examples/make_models.py OUTDIR

writes OUTDIR/traced_resnet_model.pt (torchvision resnet18, traced on
ones(1, 3, 224, 224)) and OUTDIR/my_module_model.pt (the tutorial's scripted
MyModule with data-dependent control flow), and prints what torch prints.
The small model shipped in examples/models/ is made by make_small.py.
"""
import os
import sys
import warnings

import torch
import torchvision

warnings.filterwarnings("ignore", message=r".*is deprecated\. Please switch to `torch\.compile`", category=FutureWarning)


class MyModule(torch.nn.Module):
    def __init__(self, N, M):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.rand(N, M))

    def forward(self, input):
        if input.sum() > 0:
            output = self.weight.mv(input)
        else:
            output = self.weight + input
        return output


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    example = torch.ones(1, 3, 224, 224)
    traced = torch.jit.trace(model, example)
    traced.save(os.path.join(outdir, "traced_resnet_model.pt"))
    print("resnet18 output[0, :5] =", traced(example)[0, :5])
    torch.manual_seed(0)
    scripted = torch.jit.script(MyModule(10, 20))
    scripted.save(os.path.join(outdir, "my_module_model.pt"))
    print("MyModule(ones(20)) =", scripted(torch.ones(20))[:5])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
