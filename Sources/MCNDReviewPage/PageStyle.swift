/// The review page's style sheet: system fonts only, a grid that folds to one column on a phone.
enum PageStyle {
    static let text = """
        :root { color-scheme: light dark; --accent: #2563eb; --muted: #6b7280; --warn: #b45309; --card: rgba(127,127,127,.08); }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1400px; padding: 0 1rem 4rem;
          font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1.5rem; padding-top: .5rem; }
        h1 { font-size: 1.3rem; margin: .5rem 0; }
        #summary { color: var(--muted); margin: 0; }
        #groups { display: flex; flex-wrap: wrap; gap: .3rem; width: 100%; }
        #groups button, #pager button { border: 1px solid var(--muted); background: none; color: inherit; border-radius: 1rem;
          padding: .15rem .7rem; cursor: pointer; font: inherit; }
        #groups button.current { background: var(--accent); border-color: var(--accent); color: #fff; }
        #labels { display: flex; flex-wrap: wrap; align-items: flex-start; gap: .5rem 1rem; margin: .8rem 0;
          position: sticky; top: 0; padding: .4rem 0; background: Canvas; z-index: 1; }
        #keys { display: flex; flex-wrap: wrap; gap: .3rem; margin: 0; padding: 0; list-style: none; }
        #keys li { border: 1px solid var(--muted); border-radius: .3rem; padding: .1rem .45rem; cursor: pointer; }
        #keys kbd { font-weight: 700; margin-right: .3rem; }
        #chooser { position: relative; flex: 1 1 16rem; }
        #filter { width: 100%; font: inherit; padding: .3rem .5rem; }
        #matches { position: absolute; left: 0; right: 0; margin: 0; padding: 0; list-style: none; background: Canvas;
          border: 1px solid var(--muted); border-top: 0; max-height: 14rem; overflow: auto; }
        #matches:empty { display: none; }
        #matches li { padding: .2rem .5rem; cursor: pointer; }
        #matches li.first { background: var(--card); font-weight: 600; }
        #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .8rem; }
        .card { background: var(--card); border: 2px solid transparent; border-radius: .5rem; padding: .5rem;
          display: flex; flex-direction: column; gap: .3rem; cursor: pointer; }
        .card.selected { border-color: var(--accent); }
        .card img { width: 100%; aspect-ratio: 1; object-fit: contain; image-rendering: pixelated; background: #000;
          border-radius: .3rem; }
        .card .guess { font-weight: 600; }
        .card .next, .card .file { color: var(--muted); font-size: .85em; overflow-wrap: anywhere; }
        .card .badges span { font-size: .75em; border-radius: .3rem; padding: 0 .3rem; margin-right: .2rem;
          border: 1px solid var(--warn); color: var(--warn); }
        .card .actions { display: flex; gap: .3rem; margin-top: auto; }
        .card .actions button { flex: 1; font: inherit; padding: .25rem; cursor: pointer; border-radius: .3rem;
          border: 1px solid var(--muted); background: none; color: inherit; }
        .card .actions button.confirm { background: var(--accent); color: #fff; border-color: var(--accent); }
        #pager { display: flex; gap: 1rem; align-items: center; justify-content: center; margin: 1rem 0; }
        #help { color: var(--muted); font-size: .85em; text-align: center; }
        #toast { position: fixed; bottom: 1rem; left: 50%; transform: translateX(-50%); background: #111; color: #fff;
          padding: .5rem 1rem; border-radius: .4rem; opacity: 0; transition: opacity .2s; pointer-events: none; max-width: 90vw; }
        #toast.shown { opacity: .92; }
        .empty { grid-column: 1 / -1; text-align: center; color: var(--muted); padding: 3rem 0; }
        @media (max-width: 520px) { #grid { grid-template-columns: repeat(2, 1fr); } #help { display: none; } }

        """
}
