// sockspec's verdict filter buttons (sockspec/report_html.py puts them above the results table).
// A button hides or shows the rows of one verdict by a class on <body>; the CSS rules that the
// report generates for each verdict do the hiding, so pytest-html's own redraws (sorting,
// expanding a row) keep the filter.
(function () {
  const apply = (button) => {
    const shown = button.getAttribute('aria-pressed') === 'true'
    document.body.classList.toggle('sockspec-hide-' + button.dataset.slug, !shown)
  }
  document.querySelectorAll('.sockspec-filters button').forEach((button) => {
    apply(button)
    button.addEventListener('click', () => {
      button.setAttribute('aria-pressed', String(button.getAttribute('aria-pressed') !== 'true'))
      apply(button)
    })
  })
  // The environment is one click away; the verdict comes first.
  document.getElementById('environment')?.classList.add('hidden')
  document.getElementById('environment-header')?.classList.add('collapsed')
})()
