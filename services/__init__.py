"""inferlab's server-side processes: the inference service, the model export, the registry tools."""
