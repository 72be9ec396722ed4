// A classic script in <head>, so it runs before the first paint: a theme chosen on this
// page applies at once instead of the system's flashing first (app.js is a deferred module).
try {
  const chosen = localStorage.getItem("pyarc-theme");
  if (chosen === "dark" || chosen === "light") document.documentElement.dataset.theme = chosen;
} catch { /* storage disabled: the system's theme */ }
