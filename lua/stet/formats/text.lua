-- The body only; documents separated by a form feed line (or --separator).
return {
  extension = "txt",
  write = function(r, opts)
    local sep = opts and opts.separator or "\f"
    return r.text .. "\n" .. sep .. "\n"
  end,
}
