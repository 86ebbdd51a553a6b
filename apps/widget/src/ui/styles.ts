// Hand-compacted: esbuild does not minify CSS inside a string, and every byte ships.
// The host element is reset inline (see mount.ts); inside the shadow root nothing
// from the page applies except inheritance, which `.sb` pins down.
export const styles = `
*{box-sizing:border-box;margin:0;font:inherit;color:inherit}
[hidden]{display:none!important}
.sb{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;-webkit-font-smoothing:antialiased}
button{cursor:pointer;border:0;background:none;padding:0}
:focus-visible{outline:2px solid var(--c);outline-offset:2px}
.launcher,.panel{z-index:2147483647}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;background:var(--c);color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}
svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#e11d48;color:#fff;font-size:12px;line-height:20px;text-align:center}
.panel{position:fixed;right:20px;bottom:88px;width:370px;height:min(600px,calc(100vh - 108px));background:#fff;border-radius:14px;box-shadow:0 8px 32px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
header{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between;font-weight:600;font-size:16px}
header button{font-size:26px;line-height:1;padding:0 4px}
.hd{display:flex;align-items:center;gap:10px;min-width:0}
.av{width:34px;height:34px;border-radius:50%;object-fit:cover;background:#fff;flex:none}
.rt{display:block;font-weight:400;font-size:12px;opacity:.9}
.left .launcher,.left .panel{right:auto;left:20px}
header :focus-visible{outline-color:#fff}
.list{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f7f7f8}
.m{max-width:80%;display:flex;flex-direction:column;align-items:flex-start}
.m.in{align-self:flex-end;align-items:flex-end}
.m.system{align-self:center;max-width:100%;color:#666;font-size:12px}
.b{padding:8px 12px;border-radius:16px;background:#fff;border:1px solid #e5e5e5;white-space:pre-wrap;overflow-wrap:anywhere}
.in .b{background:var(--c);color:#fff;border-color:transparent}
.system .b{background:none;border:0;text-align:center}
.sending .b,.failed .b{opacity:.65}
.who,.meta{font-size:11px;color:#666;margin:0 6px 2px}
.meta{margin:2px 6px 0}
.meta button{color:var(--c);text-decoration:underline;font-size:11px}
.m img{max-width:100%;max-height:240px;border-radius:12px;margin-bottom:4px}
.m audio,.m video{max-width:100%;margin-bottom:4px}
.f{display:block;padding:8px 12px;border:1px solid #e5e5e5;border-radius:12px;background:#fff;color:inherit;margin-bottom:4px}
form .at{background:none;color:var(--c);fill:var(--c)}
.ty{padding:2px 16px 4px;background:#f7f7f8;color:#666;font-size:12px;font-style:italic}
.qr{display:flex;flex-wrap:wrap;gap:6px;padding:4px 12px 8px;background:#f7f7f8;justify-content:flex-end}
.qr button{border:1px solid var(--c);color:var(--c);background:#fff;border-radius:16px;padding:6px 12px}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e5e5}
input{flex:1;min-width:0;border:1px solid #d4d4d8;border-radius:20px;padding:8px 14px;background:#fff}
input:focus{outline:0;border-color:var(--c)}
form button{flex:none;width:36px;height:36px;border-radius:50%;background:var(--c);color:#fff}
form svg{width:18px;height:18px}
@media(max-width:480px){.sb .panel{top:0;left:0;right:0;bottom:0;width:auto;height:auto;border-radius:0}.open .launcher{display:none}input{font-size:16px}}
`;
