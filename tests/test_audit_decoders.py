"""symspec audit on real decoder families, unmodified, random init, small widths: the number of upsampling
nodes, replica figures where they upsample, and no linear op left unmapped."""

import pytest
import torch

import symspec

LINEAR_OPS = {
    "conv2d",
    "conv_transpose2d",
    "interpolate",
    "pixel_shuffle",
    "pixel_unshuffle",
    "avg_pool2d",
    "add",
    "cat",
    "pad",
    "batch_norm",
    "mul",
    "div",
    "linear",
    "stack",
    "sum",
}


def audit(module, shape, **kw):
    torch.manual_seed(0)
    return symspec.audit(module, shape, **kw)


def check(report, upsampling: int, op: str):
    ups = [n for n in report.nodes if n.replica]
    assert len(ups) == upsampling, [n.path for n in ups]
    assert all(n.op == op for n in ups[:1])
    assert all(n.replica["level_db"] is not None for n in ups)
    assert report.findings["unmapped"] == [], report.findings["unmapped"]
    assert not [n for n in report.nodes if n.op in LINEAR_OPS and n.status == "unmapped"]
    assert report.measured_attenuation_db is not None


def test_diffusers_vae_decoder_sd_layout():
    from diffusers.models.autoencoders.vae import Decoder

    dec = Decoder(
        in_channels=4,
        out_channels=3,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 16, 32, 32),
        layers_per_block=2,
        norm_num_groups=4,
    )
    report = audit(dec, (4, 8, 8))
    check(report, 3, "interpolate")
    assert report.count(op="conv2d") == 35 and report.count(op="Attention") == 1
    assert [n.replica["factor"] for n in report.nodes if n.replica] == [[2, 2]] * 3
    assert all(n.note.startswith("nearest ×2") for n in report.nodes if n.replica)


def test_diffusers_unet2d_decoder_path():
    from diffusers import UNet2DModel

    unet = UNet2DModel(
        sample_size=16,
        in_channels=3,
        out_channels=3,
        layers_per_block=1,
        block_out_channels=(8, 16),
        norm_num_groups=4,
        down_block_types=("DownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "UpBlock2D"),
    )
    report = audit(unet, (3, 16, 16), forward=lambda m, x: m(x, 0).sample)
    check(report, 1, "interpolate")
    assert report.count(op="cat") == 4 and report.findings["aliasing"]  # skips; the strided downsampler


def test_compressai_bmshj2018_synthesis_with_gdn():
    from compressai.models import ScaleHyperprior

    report = audit(ScaleHyperprior(8, 12).g_s, (12, 4, 4))
    check(report, 4, "conv_transpose2d")
    assert report.count(op="GDN", status="measured") == 3


@pytest.mark.parametrize("arch,ups", [("Unet", 3), ("FPN", 10)])
def test_smp_unet_and_fpn(arch, ups):
    import segmentation_models_pytorch as smp

    if arch == "Unet":
        model = smp.Unet(
            "resnet18", encoder_weights=None, encoder_depth=3, decoder_channels=(16, 8, 4), classes=2
        )
    else:
        model = smp.FPN(
            "resnet18",
            encoder_weights=None,
            encoder_depth=3,
            decoder_pyramid_channels=32,
            decoder_segmentation_channels=32,
            classes=2,
            upsampling=4,
        )
    report = audit(model, (3, 32, 32))
    check(report, ups, "interpolate")


def test_monai_unet():
    from monai.networks.nets import UNet

    net = UNet(
        spatial_dims=2, in_channels=1, out_channels=1, channels=(4, 8, 16), strides=(2, 2), num_res_units=1
    )
    report = audit(net, (1, 16, 16))
    check(report, 2, "conv_transpose2d")


def test_dcgan_espcn_and_project_examples():
    from examples.decoders import DCGANGenerator, ESPCNDecoder, UNetDecoder, VAEDecoder

    check(audit(DCGANGenerator(), (64, 1, 1)), 3, "conv_transpose2d")
    espcn = audit(ESPCNDecoder(), (3, 8, 8))
    check(espcn, 1, "pixel_shuffle")
    assert [n.replica["factor"] for n in espcn.nodes if n.replica] == [[3, 3]]
    check(audit(UNetDecoder(), (128, 4, 4)), 4, "interpolate")
    check(audit(VAEDecoder(), (32, 1, 1)), 3, "conv_transpose2d")
