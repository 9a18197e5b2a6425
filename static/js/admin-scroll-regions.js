// On narrow screens the admin's read-only inline tables scroll sideways inside their group; with
// nothing focusable inside, a keyboard user could not scroll them. Make each group a named,
// focusable region (WCAG 2.1.1; axe-core's scrollable-region-focusable).
document.querySelectorAll(".inline-group").forEach((group) => {
  if (!group.hasAttribute("tabindex")) {
    group.tabIndex = 0;
  }
  const heading = group.querySelector("h2");
  if (heading && !group.hasAttribute("aria-label")) {
    group.setAttribute("role", "region");
    group.setAttribute("aria-label", heading.textContent.trim());
  }
});
