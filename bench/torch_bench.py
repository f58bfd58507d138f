"""PyTorch on the CPU, the bench's side-by-side column (`npm run bench -- --torch`).

Reads one JSON request on stdin: {"reps": N, "convs": [{"n","cin","cout","size","k"}],
"nets": [{"batch", "inputSize", "joints", "stages", "layers": [{"name","block","cin","cout","kernel","relu"}]}]}
and prints one JSON answer: median milliseconds of each conv's forward, input gradient and weight
gradient (stride 1, 'same' padding), and of each network's training step (forward, per-stage L2
losses, backward, SGD) and inference. The network is built from the same layer list as ours
(bench/run.ts sends it), wired as CPM: stage 1 on the image, later stages on [features, previous
beliefs, 9×9/8 average-pooled center map]; max pools 3×3/2 with ceil mode (368 → 184 → 92 → 46).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F


def median_ms(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def conv_case(c, reps):
    k, p = c["k"], (c["k"] - 1) // 2
    x = torch.randn(c["n"], c["cin"], c["size"], c["size"])
    w = torch.randn(c["cout"], c["cin"], k, k) / (c["cin"] * k * k) ** 0.5
    dy = torch.randn(c["n"], c["cout"], c["size"], c["size"])
    with torch.no_grad():
        return {
            "forward": median_ms(lambda: F.conv2d(x, w, padding=p), reps),
            "dX": median_ms(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=p), reps),
            "dW": median_ms(lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=p), reps),
        }


class Cpm(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.specs = {l["name"]: l for l in net["layers"]}
        self.convs = torch.nn.ModuleDict({
            l["name"].replace(".", "_"): torch.nn.Conv2d(l["cin"], l["cout"], l["kernel"], padding=(l["kernel"] - 1) // 2)
            for l in net["layers"]
        })
        self.stages = net["stages"]

    def conv(self, x, name):
        y = self.convs[name.replace(".", "_")](x)
        return F.relu(y) if self.specs[name]["relu"] else y

    def trunk(self, x, prefix):
        for i in (1, 2, 3):
            x = F.max_pool2d(self.conv(x, f"{prefix}.conv{i}"), 3, 2, ceil_mode=True)
        return x

    def forward(self, image, center):
        x = self.trunk(image, "stage1")
        for i in (4, 5, 6):
            x = self.conv(x, f"stage1.conv{i}")
        beliefs = [self.conv(x, "stage1.conv7")]
        if self.stages > 1:
            features = self.trunk(image, "trunk")
            pooled = F.avg_pool2d(center, 9, 8, ceil_mode=True)
            for t in range(2, self.stages + 1):
                y = torch.cat([self.conv(features, f"stage{t}.features"), beliefs[-1], pooled], 1)
                for i in range(1, 6):
                    y = self.conv(y, f"stage{t}.mconv{i}")
                beliefs.append(y)
        return beliefs


def net_case(net, reps):
    torch.manual_seed(0)
    model = Cpm(net)
    n, s, g = net["batch"], net["inputSize"], net["inputSize"] // 8
    image, center = torch.randn(n, 3, s, s), torch.randn(n, 1, s, s)
    target = torch.randn(n, net["joints"] + 1, g, g)
    opt = torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = sum(((b - target) ** 2).sum() / 2 for b in model(image, center))
        loss.backward()
        opt.step()

    def infer():
        with torch.no_grad():
            model(image, center)

    return {"trainMs": median_ms(step, reps), "inferMs": median_ms(infer, reps)}


def main():
    torch.set_num_threads(os.cpu_count() or 1)  # Debian's build starts with one
    req = json.load(sys.stdin)
    reps = req.get("reps", 3)
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "convs": [conv_case(c, reps) for c in req.get("convs", [])],
        "nets": [net_case(n, max(1, reps // 2)) for n in req.get("nets", [])],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
