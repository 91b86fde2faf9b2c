"""Real decoders to audit (sized for a CPU):

symspec audit examples.decoders:DCGANGenerator --input 64x1x1
symspec audit examples.decoders:UNetDecoder --input 128x4x4
symspec audit examples.decoders:VAEDecoder --input 32x1x1
symspec audit examples.decoders:ESPCNDecoder --input 3x8x8
"""

import torch
from torch import nn


class DCGANGenerator(nn.Module):
    """DCGAN-style generator: transposed convolutions (kernel 4, stride 2) with batch norm
    and ReLU, 1x1 -> 32x32."""

    def __init__(self, nz: int = 64, ngf: int = 32, channels: int = 3, kernel: int = 4):
        super().__init__()
        pad = (kernel - 2) // 2
        self.net = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, kernel, 2, pad, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, kernel, 2, pad, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, channels, kernel, 2, pad, bias=False),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z)


class UNetDecoder(nn.Module):
    """U-Net-style decoder path: nearest upsampling then 3x3 convolutions
    (zero padding by default), 4x4 -> 64x64."""

    def __init__(self, ch: int = 128, out_channels: int = 3, padding_mode: str = "zeros", stages: int = 4):
        super().__init__()
        layers = []
        c = ch
        for _ in range(stages):
            layers += [
                nn.Upsample(scale_factor=2, mode="nearest"),
                nn.Conv2d(c, c // 2, 3, padding=1, padding_mode=padding_mode),
                nn.BatchNorm2d(c // 2),
                nn.ReLU(inplace=True),
                nn.Conv2d(c // 2, c // 2, 3, padding=1, padding_mode=padding_mode),
                nn.ReLU(inplace=True),
            ]
            c //= 2
        layers.append(nn.Conv2d(c, out_channels, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class VAEDecoder(nn.Module):
    """VAE decoder: a linear layer to 4x4 maps, then transposed convolutions and a sigmoid, 4x4 -> 32x32."""

    def __init__(self, latent: int = 32, ch: int = 64, channels: int = 3):
        super().__init__()
        self.fc = nn.Linear(latent, ch * 4 * 4)
        self.unflatten = nn.Unflatten(1, (ch, 4, 4))
        self.net = nn.Sequential(
            nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(ch // 2, ch // 4, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(ch // 4, ch // 4, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(ch // 4, channels, 3, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, z):
        return self.net(self.unflatten(self.fc(z.flatten(1))))


class ESPCNDecoder(nn.Module):
    """ESPCN-style super-resolution decoder (Shi et al. 2016): convolutions at low resolution,
    then a functional pixel shuffle (sub-pixel convolution), 8x8 -> 8r x 8r."""

    def __init__(self, channels: int = 3, features: int = 16, ratio: int = 3):
        super().__init__()
        self.ratio = ratio
        self.body = nn.Sequential(
            nn.Conv2d(channels, features, 5, padding=2),
            nn.Tanh(),
            nn.Conv2d(features, features // 2, 3, padding=1),
            nn.Tanh(),
            nn.Conv2d(features // 2, channels * ratio * ratio, 3, padding=1),
        )

    def forward(self, x):
        from torch.nn import functional as F

        return torch.sigmoid(F.pixel_shuffle(self.body(x), self.ratio))
