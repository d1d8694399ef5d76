#!/usr/bin/env python3
"""The PyTorch twin of `nodulab bench train`.

Builds a torch module from a Nodulab network graph written as JSON (org.nodulab.nn.graph.GraphJson: nodes in
topological order with their op type, attributes, inputs and shapes), checks that its parameter count equals the
graph's, and times training (Adam, binary or categorical cross-entropy) and inference on seeded random batches.
Prints one JSON line: {"train": samples/s, "infer": samples/s, "peak_rss_mib": ..., "parameters": ...,
"peak_gflops": GFLOP/s of the better float matrix product with --peak-n n (torch.mm, or a 1x1x1 convolution
through oneDNN), else null}.

    python3 torch_graph.py graph.json --batch 16 --seconds 20
"""
import argparse
import contextlib
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_padding(kernel, dilation):
    return [d * (k - 1) // 2 for k, d in zip(kernel, dilation)]


class GraphModule(nn.Module):
    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        self.nodes = graph["nodes"]
        self.shape = {n["name"]: n["shape"] for n in self.nodes}
        self.layers = nn.ModuleDict()
        for n in self.nodes:
            t, a, name = n["type"], n["attributes"], n["name"].replace(".", "_")
            ins = [self.shape[i] for i in n["inputs"]]
            if t == "conv3d":
                if any(s != 1 for s in a["stride"]) and a["padding"] == "SAME":
                    raise ValueError("strided SAME convolutions are not translated: " + n["name"])
                pad = same_padding(a["kernel"], a["dilation"]) if a["padding"] == "SAME" else 0
                self.layers[name] = nn.Conv3d(ins[0][0], a["filters"], a["kernel"], a["stride"], pad, a["dilation"],
                                              bias=a["bias"])
                nn.init.kaiming_normal_(self.layers[name].weight, nonlinearity="relu")
            elif t == "batchnorm":
                bn = nn.BatchNorm3d if len(ins[0]) == 4 else nn.BatchNorm1d
                self.layers[name] = bn(ins[0][0], eps=a["epsilon"], momentum=a["momentum"])
            elif t == "prelu":
                self.layers[name] = nn.PReLU(ins[0][0], init=0.25)
            elif t == "dense":
                self.layers[name] = nn.Linear(ins[0][0], a["units"], bias=a["bias"])
            elif t == "classifier":
                self.layers[name] = nn.Linear(ins[0][0], 1 if a["output"] == "SIGMOID" else 2)
            elif t == "dropout":
                self.layers[name] = nn.Dropout(a["rate"])

    def forward(self, *inputs):
        values = {}
        it = iter(inputs)
        for n in self.nodes:
            t, a, name = n["type"], n["attributes"], n["name"].replace(".", "_")
            x = [values[i] for i in n["inputs"]]
            if t == "input":
                y = next(it)
            elif t in ("conv3d", "batchnorm", "prelu", "dense", "classifier", "dropout"):
                y = self.layers[name](x[0])
            elif t == "relu":
                y = F.relu(x[0])
            elif t == "sigmoid":
                y = torch.sigmoid(x[0])
            elif t == "tanh":
                y = torch.tanh(x[0])
            elif t == "identity":
                y = x[0]
            elif t in ("maxpool3d", "avgpool3d"):
                pool = F.max_pool3d if t == "maxpool3d" else F.avg_pool3d
                y = pool(x[0], a["kernel"], a["stride"], ceil_mode=a["padding"] == "SAME")
            elif t == "centralpool":
                y = x[0]
                for axis, bins in zip((2, 3, 4), a["bins"]):
                    y = torch.cat([y.narrow(axis, bins[j], bins[j + 1] - bins[j]).amax(axis, keepdim=True)
                                   for j in range(len(bins) - 1)], axis)
            elif t == "globalavgpool":
                y = x[0].mean((2, 3, 4))
            elif t == "globalmaxpool":
                y = x[0].amax((2, 3, 4))
            elif t == "flatten":
                y = x[0].flatten(1)
            elif t == "concat":
                y = torch.cat(x, 1)
            elif t == "add":
                y = x[0]
                for other in x[1:]:
                    y = y + other
            elif t == "channelscale":
                y = x[0] * x[1][:, :, None, None, None]
            elif t == "centercrop":
                b, s = a["before"], a["size"]
                y = x[0][:, :, b[0]:b[0] + s[0], b[1]:b[1] + s[1], b[2]:b[2] + s[2]]
            else:
                raise ValueError("op " + t + " of node " + n["name"] + " is not translated")
            values[n["name"]] = y
        return values[self.graph["output"]]


def peak_rss_mib():
    """VmHWM: unlike ru_maxrss, which Linux carries over from the parent across exec, it is this process's own."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("graph")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="intra-op threads (0: PyTorch's default)")
    p.add_argument("--bf16", action="store_true",
                   help="train and infer under CPU autocast to bfloat16 (as Nodulab's training.precision: bfloat16)")
    p.add_argument("--peak-n", type=int, default=0,
                   help="also time float matrix products with n x n (the machine's peak as torch reaches it)")
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    with open(args.graph) as f:
        graph = json.load(f)
    torch.manual_seed(args.seed)
    model = GraphModule(graph)
    parameters = sum(p.numel() for p in model.parameters())
    if parameters != graph["parameters"]:
        raise SystemExit("parameter count %d differs from the graph's %d" % (parameters, graph["parameters"]))
    shapes = [next(n["shape"] for n in graph["nodes"] if n["name"] == i) for i in graph["inputs"]]
    sigmoid = graph["nodes"][-1]["attributes"]["output"] == "SIGMOID"
    inputs = [torch.randn([args.batch] + s) for s in shapes]
    labels = (torch.arange(args.batch) % 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16) if args.bf16 else contextlib.nullcontext()

    def step():
        optimizer.zero_grad()
        with autocast():
            out = model(*inputs)
        out = out.float()
        loss = (F.binary_cross_entropy_with_logits(out[:, 0], labels.float()) if sigmoid
                else F.cross_entropy(out, labels))
        loss.backward()
        optimizer.step()

    def timed(work, seconds):
        work()  # warm-up
        work()
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            work()
            n += 1
        return n * args.batch / (time.perf_counter() - start)

    model.train()
    train = timed(step, args.seconds)
    model.eval()
    with torch.no_grad(), autocast():
        infer = timed(lambda: model(*inputs), args.seconds / 2)
    peak = peak_rss_mib()
    gflops = None
    if args.peak_n > 0:
        # the better of torch.mm (its BLAS) and the same product as oneDNN computes it in convolutions: 8,192 rows
        # (16 samples of 8^3 voxels, channels last) of n channels into n filters of 1x1x1, as Nodulab's side times it
        n = args.peak_n
        gen = torch.Generator().manual_seed(1)
        a = torch.rand(n, n, generator=gen) - 0.5
        b = torch.rand(n, n, generator=gen) - 0.5
        x = (torch.rand(16, n, 8, 8, 8, generator=gen) - 0.5).contiguous(memory_format=torch.channels_last_3d)
        w = (torch.rand(n, n, 1, 1, 1, generator=gen) - 0.5).contiguous(memory_format=torch.channels_last_3d)

        def best(work, flops):
            work()
            top, end = 0.0, time.perf_counter() + max(1.0, min(5.0, args.seconds / 4)) / 2
            while True:
                t0 = time.perf_counter()
                work()
                top = max(top, flops / (time.perf_counter() - t0) / 1e9)
                if time.perf_counter() >= end:
                    return top

        with torch.no_grad():
            gflops = max(best(lambda: torch.mm(a, b), 2.0 * n ** 3),
                         best(lambda: F.conv3d(x, w), 2.0 * 16 * 512 * n * n))
    print(json.dumps({"train": train, "infer": infer, "peak_rss_mib": peak, "parameters": parameters,
                      "threads": torch.get_num_threads(), "torch": torch.__version__, "peak_gflops": gflops}), flush=True)


if __name__ == "__main__":
    main()
