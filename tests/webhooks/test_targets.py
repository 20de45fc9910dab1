"""The SSRF guard: internal targets are refused unless allowed; checked targets are pinned."""

from __future__ import annotations

import ipaddress

import pytest

from service.webhooks.targets import TargetGuard, TargetRefusedError, internal_kind

GUARD = TargetGuard([])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "127.0.0.1 resolves to 127.0.0.1, a loopback address"),
        ("http://127.8.9.10:8080/hook", "127.8.9.10 resolves to 127.8.9.10, a loopback address"),
        ("https://10.1.2.3/hook", "10.1.2.3 resolves to 10.1.2.3, a private address"),
        ("http://192.168.0.7/", "192.168.0.7 resolves to 192.168.0.7, a private address"),
        ("http://172.16.0.1/", "172.16.0.1 resolves to 172.16.0.1, a private address"),
        (
            "http://169.254.169.254/latest/meta-data",
            "169.254.169.254 resolves to 169.254.169.254, a link-local address",
        ),
        ("http://[::1]:9000/hook", "::1 resolves to ::1, a loopback address"),
        ("http://[fe80::1]/", "fe80::1 resolves to fe80::1, a link-local address"),
        ("http://[fd00::5]/", "fd00::5 resolves to fd00::5, a private address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 resolves to ::ffff:7f00:1, a loopback"),
        ("http://[64:ff9b::a00:1]/", "64:ff9b::a00:1 resolves to 64:ff9b::a00:1, a private"),
        ("http://224.0.0.251/", "224.0.0.251 resolves to 224.0.0.251, a multicast address"),
        ("http://0.0.0.0/", "0.0.0.0 resolves to 0.0.0.0, an unspecified address"),
        ("http://240.0.0.1/", "240.0.0.1 resolves to 240.0.0.1, a reserved address"),
        ("http://100.64.0.1/", "100.64.0.1 resolves to 100.64.0.1, a non-public address"),
        ("http://localhost:8000/hook", "localhost resolves to "),
        ("http://LocalHost./hook", "localhost resolves to "),
        ("ftp://93.184.216.34/hook", "the URL must start with http:// or https://"),
        ("file:///etc/passwd", "the URL must start with http:// or https://"),
        ("http:///hook", "the URL has no host"),
        ("http://user:pw@93.184.216.34/", "the URL may not carry credentials (user:password@)"),
        ("http://93.184.216.34:99999/", "the URL is malformed: Port out of range 0-65535"),
        ("http://93.184.216.34/#x", "the URL may not have a fragment (#...)"),
        ("HTTPS://" + "0" * 300, "'" + "0" * 80 + "' is not a valid host name"),
        ("http://a..b/", "'a..b' is not a valid host name"),
    ],
)
async def test_internal_and_malformed_targets_are_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefusedError) as refused:
        await GUARD.check(url)
    assert str(refused.value).startswith(reason)
    assert not refused.value.retryable


async def test_a_public_address_is_pinned() -> None:
    target = await GUARD.check("https://93.184.216.34:8443/hooks?x=1")
    assert target.url == "https://93.184.216.34:8443/hooks?x=1"
    assert target.host_header == "93.184.216.34:8443"


async def test_a_name_is_pinned_to_the_address_checked() -> None:
    async def public(host: str, port: int) -> list[str]:
        assert (host, port) == ("hooks.example.org", 443)
        return ["2606:4700::6810:85e5", "93.184.216.34"]

    target = await TargetGuard([], resolver=public).check("https://Hooks.Example.org/in")
    assert target.url == "https://93.184.216.34:443/in"  # IPv4 first
    assert target.host_header == "Hooks.Example.org"
    assert target.server_name == "hooks.example.org"  # TLS checks the name, not the address


async def test_a_name_with_one_internal_address_is_refused() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.8"]

    with pytest.raises(TargetRefusedError, match=r"resolves to 10\.0\.0\.8, a private address"):
        await TargetGuard([], resolver=mixed).check("http://hooks.example.org/")


async def test_a_name_that_does_not_resolve_is_refused_for_now() -> None:
    async def nothing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(TargetRefusedError) as refused:
        await TargetGuard([], resolver=nothing).check("http://hooks.example.org/")
    assert str(refused.value) == "hooks.example.org does not resolve (Name or service not known)"
    assert refused.value.retryable


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        (["127.0.0.1"], "http://127.0.0.1:8080/hook"),
        (["localhost"], "http://localhost:8080/hook"),
        (["LOCALHOST"], "http://localhost./hook"),
        (["::1"], "http://[::1]:8080/hook"),
        (["[::1]"], "http://[::1]:8080/hook"),
        (["10.0.0.5"], "https://10.0.0.5/hook"),
    ],
)
async def test_allowed_hosts_may_be_internal(allowed: list[str], url: str) -> None:
    target = await TargetGuard(allowed).check(url)
    assert target.url.startswith(url.split("://", maxsplit=1)[0])


async def test_the_allow_list_is_exact() -> None:
    with pytest.raises(TargetRefusedError, match="loopback"):
        await TargetGuard(["127.0.0.2", "localhost.example"]).check("http://127.0.0.1/")


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1", "8.8.8.8"])
def test_public_addresses_are_not_internal(address: str) -> None:
    assert internal_kind(ipaddress.ip_address(address)) is None
