/** The look of a rendered transcript: Telegram's light theme in a 420 px phone column. */
export const TRANSCRIPT_CSS = `
* { box-sizing: border-box; }
body { margin: 0; background: #dfe5ea; font: 15px/1.35 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #000; }
.phone { width: 420px; margin: 0 auto; min-height: 100vh; display: flex; flex-direction: column;
  background: linear-gradient(160deg, #d7e6c3 0%, #b8d3a2 45%, #9fc39a 100%); }
.header { position: sticky; top: 0; z-index: 1; display: flex; align-items: center; gap: 12px; padding: 10px 14px;
  background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.12); }
.avatar { width: 40px; height: 40px; border-radius: 50%; display: grid; place-items: center; color: #fff; font-weight: 600;
  background: linear-gradient(135deg, #72d5fd, #2a9ef1); flex: none; }
.header .name { font-weight: 600; }
.header .status { font-size: 13px; color: #8a9aa9; }
.chat { flex: 1; display: flex; flex-direction: column; gap: 6px; padding: 12px 10px 16px; }
.row { display: flex; flex-direction: column; max-width: 82%; }
.row.user { align-self: flex-end; align-items: flex-end; }
.row.bot { align-self: flex-start; align-items: flex-start; }
.bubble { position: relative; padding: 6px 10px 7px; border-radius: 14px; background: #fff;
  box-shadow: 0 1px 1px rgba(0,0,0,.13); overflow-wrap: anywhere; white-space: pre-wrap; min-width: 64px;
  display: flow-root; }
.row.user .bubble { background: #effdde; border-bottom-right-radius: 4px; }
.row.bot .bubble { border-bottom-left-radius: 4px; }
.bubble.media { padding: 0; overflow: hidden; }
.bubble.media .caption { padding: 6px 10px 2px; }
.bubble img.photo { display: block; width: 320px; max-width: 100%; height: auto; }
.album { display: grid; grid-template-columns: 1fr 1fr; gap: 2px; width: 320px; }
.album img { width: 100%; height: 100%; aspect-ratio: 1; object-fit: cover; display: block; }
.album img:first-child:nth-last-child(odd) { grid-column: span 2; aspect-ratio: 2; }
.meta { float: right; margin: 6px 0 -4px 10px; font-size: 12px; color: #8c9aa6; white-space: nowrap; }
.row.user .meta { color: #5fad5a; }
.bubble.media .meta { position: absolute; right: 6px; bottom: 6px; margin: 0; padding: 1px 6px; border-radius: 9px;
  background: rgba(0,0,0,.35); color: #fff; }
.bubble.media .caption + .meta, .bubble.media .caption ~ .meta { position: static; float: right; background: none;
  color: #8c9aa6; margin: 0 8px 6px 10px; }
.quote { border-left: 3px solid #3a95d5; background: rgba(58,149,213,.08); border-radius: 4px; padding: 2px 8px;
  margin-bottom: 4px; font-size: 14px; }
.quote b { color: #3a95d5; display: block; font-size: 13px; }
.file { display: flex; align-items: center; gap: 10px; padding: 2px 0; min-width: 220px; }
.file .icon { width: 46px; height: 46px; border-radius: 50%; background: #4fae4e; color: #fff; font-size: 11px;
  font-weight: 700; display: grid; place-items: center; flex: none; text-transform: uppercase; }
.row.bot .file .icon { background: #3a95d5; }
.file .name { font-weight: 500; }
.file .size { font-size: 13px; color: #8c9aa6; }
.invoice .title { font-weight: 600; }
.invoice .price { margin-top: 4px; font-weight: 600; color: #3a95d5; }
.keyboard { display: flex; flex-direction: column; gap: 3px; margin-top: 3px; width: 100%; min-width: 220px; }
.keyboard .krow { display: flex; gap: 3px; }
.keyboard .button { flex: 1; padding: 8px 10px; border-radius: 8px; text-align: center; font-size: 14px; font-weight: 500;
  color: #fff; background: rgba(72,104,62,.42); backdrop-filter: blur(6px); }
.service { align-self: center; max-width: 80%; padding: 3px 10px; border-radius: 12px; font-size: 13px; color: #fff;
  background: rgba(72,104,62,.45); text-align: center; }
.deleted { opacity: .45; font-style: italic; }
a, .command { color: #168acd; text-decoration: none; }
code, pre { font-family: "SF Mono", Menlo, Consolas, monospace; font-size: 13.5px; }
code { background: rgba(0,0,0,.06); border-radius: 4px; padding: 0 3px; }
.spoiler { background: #a7b0b8; color: transparent; border-radius: 3px; }
`;
