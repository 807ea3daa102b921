"""Python decoder of Perseus's compact AtomDB blob (written by derive_atomdb.py), used to check
the blob against the full tables. The Swift decoder (CompactAtomDBDecoder.swift) is the one the
library uses; this one exists so the derivation can be checked without building Swift."""
import hashlib
import struct
import zlib

import numpy as np

from atomdb_tables import pwl_bin_integrals, line_bins, temperature_weights

MAGIC = b'PERSEUS-ATOMDB\x00\x00'


def _varints(buf, pos, count):
    out = np.empty(count, dtype=np.int64)
    for i in range(count):
        v = 0
        shift = 0
        while True:
            b = buf[pos]
            pos += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        out[i] = v
    return out, pos


def _planes_u32(buf, pos, count):
    """uint32 values stored as four byte planes (least significant first)."""
    planes = np.frombuffer(buf, np.uint8, 4 * count, pos).reshape(4, count)
    return planes.T.copy().view('<u4').reshape(-1).astype(np.int64)


def _planes(buf, pos, count):
    """float32 values stored as four byte planes (least significant first)."""
    planes = np.frombuffer(buf, np.uint8, 4 * count, pos).reshape(4, count)
    return planes.T.copy().view('<f4').reshape(-1).astype(np.float64)


class CompactTable:
    def __init__(self, path):
        blob = open(path, 'rb').read()
        if blob[:16] != MAGIC:
            raise ValueError('not a Perseus AtomDB blob')
        version, flags, n_raw, n_packed = struct.unpack_from('<IIQQ', blob, 16)
        if version not in (1, 2):
            raise ValueError(f'format version {version}; expected 1 or 2')
        digest = blob[40:72]
        body = blob[72:72 + n_packed]
        if flags & 1:
            body = zlib.decompress(body)
        if len(body) != n_raw or hashlib.sha256(body).digest() != digest:
            raise ValueError('corrupt blob')
        p = 0
        nT, self.first_index, _ = struct.unpack_from('<III', body, p); p += 12
        self.kT = np.frombuffer(body, '<f4', nT, p).astype(np.float64); p += 4 * nT
        self.kelvin = np.frombuffer(body, '<f8', nT, p).copy(); p += 8 * nT
        self.line_cut, self.kev_angstrom = struct.unpack_from('<dd', body, p); p += 16
        n_lines, n_eps = struct.unpack_from('<II', body, p); p += 8
        (nvar,) = struct.unpack_from('<I', body, p); p += 4
        d, _ = _varints(body, p, n_lines); p += nvar
        lam = np.cumsum(d).astype(np.uint32).view(np.float32).astype(np.float64)
        Z = np.frombuffer(body, np.uint8, n_lines, p).astype(np.int64); p += n_lines
        ion = np.frombuffer(body, np.uint8, n_lines, p).astype(np.int64); p += n_lines
        first = np.frombuffer(body, np.uint8, n_lines, p).astype(np.int64); p += n_lines
        count = np.frombuffer(body, np.uint8, n_lines, p).astype(np.int64); p += n_lines
        if version >= 2:
            upper = _planes_u32(body, p, n_lines); p += 4 * n_lines
            lower = _planes_u32(body, p, n_lines); p += 4 * n_lines
        else:
            upper = lower = np.zeros(n_lines, dtype=np.int64)
        self.upper, self.lower = upper, lower
        eps = _planes(body, p, n_eps); p += 4 * n_eps
        E = self.kev_angstrom / lam
        off = np.concatenate([[0], np.cumsum(count)])
        self.lines = {}
        for t in range(nT):
            sel = np.nonzero((first <= t) & (first + count > t))[0]
            e = eps[off[sel] + (t - first[sel])]
            nz = e != 0
            sel = sel[nz]
            # id: the stored line's index, the same transition at every temperature listing it
            self.lines[t] = dict(E=E[sel], eps=e[nz], Z=Z[sel], ion=ion[sel], id=sel, up=upper[sel], lo=lower[sel])
        (nc,) = struct.unpack_from('<I', body, p); p += 4
        ct = np.frombuffer(body, np.uint8, nc, p); p += nc
        cZ = np.frombuffer(body, np.uint8, nc, p); p += nc
        cion = np.frombuffer(body, np.uint8, nc, p); p += nc
        ckind = np.frombuffer(body, np.uint8, nc, p); p += nc
        cn = np.frombuffer(body, '<u4', nc, p).astype(np.int64); p += 4 * nc
        (nbytes,) = struct.unpack_from('<I', body, p); p += 4
        deltas, _ = _varints(body, p, int(cn.sum())); p += nbytes
        vals = _planes(body, p, int(cn.sum()))
        self.curves = {t: [] for t in range(nT)}
        o = 0
        for i in range(nc):
            n = cn[i]
            e = np.cumsum(deltas[o:o + n]).astype(np.uint32).view(np.float32).astype(np.float64)
            self.curves[int(ct[i])].append((int(cZ[i]), int(cion[i]), int(ckind[i]), e, vals[o:o + n]))
            o += n

    def tabulated_spectrum(self, t, edges_src, weights):
        out = np.zeros(len(edges_src) - 1)
        for Z, ion, kind, e, v in self.curves[t]:
            if weights[Z - 1] != 0:
                out += weights[Z - 1] * pwl_bin_integrals(e, v, edges_src)
        L = self.lines[t]
        b = line_bins(edges_src, L['E'])
        ok = b >= 0
        out += np.bincount(b[ok], weights=weights[L['Z'][ok] - 1] * L['eps'][ok], minlength=len(out))
        return out

    def apec_spectrum(self, edges_obs, kT, abund30, z=0.0, norm=1.0, table=None, angr=None):
        a = np.array(abund30, dtype=np.float64)
        if table is not None:
            a = a * table / angr
        edges_src = np.asarray(edges_obs) * (1 + z)
        out = np.zeros(len(edges_obs) - 1)
        for t, c in temperature_weights(self.kT, kT):
            if c:
                out += c * self.tabulated_spectrum(t, edges_src, a)
        return out * norm * 1e14 / (1 + z)
