// The 督办单's print button (no inline script: the Content-Security-Policy allows none).
document.querySelector("[data-print]")?.addEventListener("click", () => window.print());
