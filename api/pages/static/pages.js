// Progressive enhancement only: every page works without this file.
// Copy buttons for the citation. Date fields keep their Show button: submitting on change
// would reload the page while someone is still typing a year (WCAG 3.2.2).
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector(".copied");
  document.querySelectorAll("button.copy").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent;
      try {
        await navigator.clipboard.writeText(text);
        status.textContent = "Copied to the clipboard.";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(button.dataset.copy));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
      }
    });
  });
});
