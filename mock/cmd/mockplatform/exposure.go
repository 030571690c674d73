package main

import (
	"log/slog"
	"net"
)

// exposure says how far beyond this host the listen address addr reaches:
// "" for a loopback IP or localhost (and for an address Listen will refuse
// anyway), else "every interface", "a non-loopback address" or "a host
// name that may not be loopback".
func exposure(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "localhost" {
		return ""
	}
	if host == "" {
		return "every interface"
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return "a host name that may not be loopback"
	case ip.IsUnspecified():
		return "every interface"
	case !ip.IsLoopback():
		return "a non-loopback address"
	}
	return ""
}

// warnExposure logs a Warn for each setting of o that is allowed but
// exposes the platform or its secret: a platform API beyond loopback (as a
// container needs), and a secret given on the command line.
func warnExposure(logger *slog.Logger, o options) {
	if e := exposure(o.addr); e != "" {
		logger.Warn("mockplatform: Platform API reachable from other hosts.",
			slog.String("addr", o.addr), slog.String("exposure", e),
			slog.String("hint", "a test double is not hardened for a network; "+
				"bind a loopback IP unless other hosts must reach it"))
	}
	if o.secretFlag {
		logger.Warn("mockplatform: AppSecret given on the command line; other users "+
			"can read it.", slog.String("hint", "set "+envAppSecret+" instead"))
	}
}
