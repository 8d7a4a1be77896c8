/// The review page's HTML: the frame the script fills (no external resource of any kind).
enum PageHTML {
    static let text = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>mcnd review</title>
        <link rel="stylesheet" href="/review.css">
        </head>
        <body>
        <header>
          <h1>Review queue</h1>
          <p id="summary">Loading…</p>
          <nav id="groups" aria-label="Groups"></nav>
        </header>
        <section id="labels" aria-label="Labels">
          <ol id="keys"></ol>
          <div id="chooser">
            <input id="filter" type="text" autocomplete="off" spellcheck="false"
              placeholder="Label… (/ to type, Enter moves the selected image there)">
            <ul id="matches"></ul>
          </div>
        </section>
        <main id="grid" aria-live="polite"></main>
        <nav id="pager">
          <button id="prev" type="button">← Previous</button>
          <span id="position"></span>
          <button id="next" type="button">Next →</button>
        </nav>
        <footer id="help">
          <kbd>Enter</kbd> confirm · <kbd>1</kbd>–<kbd>9</kbd> move to that label · <kbd>/</kbd> type a label ·
          <kbd>x</kbd> dismiss · <kbd>u</kbd> or <kbd>Backspace</kbd> undo · <kbd>←</kbd> <kbd>→</kbd> select ·
          <kbd>[</kbd> <kbd>]</kbd> page · <kbd>g</kbd> <kbd>G</kbd> group
        </footer>
        <div id="toast" role="status" aria-live="polite"></div>
        <script src="/review.js"></script>
        </body>
        </html>

        """
}
