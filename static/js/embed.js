// Embeds: each is a link card until the reader asks for the player; only then does the page contact the
// provider (youtube-nocookie.com for YouTube, players told not to track where the provider offers it).
for (const figure of document.querySelectorAll("figure[data-embed]")) {
  const source = figure.dataset.embed;
  if (!source.startsWith("https://")) continue;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "embed-load";
  button.textContent = figure.dataset.embedLoad;
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = source;
    frame.title = figure.dataset.embedTitle;
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation");
    figure.classList.add("embed-playing");
    button.replaceWith(frame);
    frame.focus();
  }, { once: true });
  figure.append(button);
}
