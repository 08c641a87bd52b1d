"""edXML (QCVN 102:2016/BTTTT): packages and status messages, built, read (hardened, streaming) and signed."""
