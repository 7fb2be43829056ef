// The live frame slider (l2lessons.widgets.FrameSlider), an anywidget ES module.
//
// Every pre-rendered frame arrives once, as binary buffers, when the widget is created: a move
// swaps the picture here, in the same event, and only then tells the kernel the new position
// (model.save_changes(); ipywidgets coalesces the messages while the kernel is busy).
// The controls are the scrubber's (l2lessons/frames.py): one labelled range input per grid
// axis, its value written beside it, and the keys that move a focused range input stay with it.

const KEYS = /^(Arrow(Left|Right|Up|Down)|Home|End|PageUp|PageDown)$/;

function keep(event) {
  // JupyterLab's notebook shortcuts (the arrow keys collapse a section) and reveal.js's slide
  // keys never see the keys that move the control.
  if (KEYS.test(event.key)) event.stopPropagation();
}

function render({ model, el }) {
  const t0 = performance.now();
  const shape = model.get("shape"), labels = model.get("labels");
  const captions = model.get("captions");
  const urls = model.get("png").map((buf) =>
    URL.createObjectURL(new Blob([buf], { type: "image/png" })),
  );
  // Decode every frame once, now, and keep the decoded pictures (these Image objects hold
  // them) so that a move only swaps in a picture that is ready to paint.
  const images = urls.map((url) => {
    const im = new Image();
    im.src = url;
    return im;
  });
  const decoded = images.map((im) => im.decode().catch(() => undefined));

  const root = document.createElement("div");
  root.className = "l2-frame-slider";
  const controls = document.createElement("div");
  controls.className = "l2-frame-controls";
  const inputs = [], outs = [];
  for (let a = 0; a < shape.length; a++) {
    const label = document.createElement("label");
    label.style.cssText = "display:block;font-family:monospace";
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: 0, max: shape[a] - 1, step: 1 });
    input.style.cssText = "width:360px;vertical-align:middle";
    input.setAttribute("aria-label", captions[a]);
    const out = document.createElement("output");
    label.append(captions[a] + " ", input, " ", out);
    controls.append(label);
    inputs.push(input);
    outs.push(out);
  }
  const img = document.createElement("img");
  img.className = "l2-frame";
  img.alt = model.get("alt");
  const [width, height] = model.get("size");
  Object.assign(img, { width, height });
  img.style.cssText = "max-width:100%;height:auto";
  root.append(controls, img);
  el.append(root);

  function show(index) {
    let k = 0;
    for (let a = 0; a < shape.length; a++) {
      const i = Math.max(0, Math.min(shape[a] - 1, index[a] | 0));
      k = k * shape[a] + i;
      if (+inputs[a].value !== i) inputs[a].value = i;
      outs[a].textContent = labels[a][i];
    }
    if (img.getAttribute("data-frame") !== String(k)) {
      img.src = urls[k];
      img.setAttribute("data-frame", k);
      root.setAttribute("data-frame", k);
    }
  }

  // The kernel hears of a move once the new picture has been painted (two animation frames
  // on), so that its replies (busy, echo, idle) never compete with the picture; moves made
  // meanwhile go in the same message, and ipywidgets holds later ones while the kernel is busy.
  let saving = false;
  function save() {
    saving = false;
    model.save_changes();
  }
  function moved() {
    const index = inputs.map((input) => +input.value);
    show(index); // the picture first, in this very event
    model.set("index", index);
    if (!saving) {
      saving = true;
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(save, 0)));
    }
  }

  for (const input of inputs) {
    input.addEventListener("input", moved);
    input.addEventListener("keydown", keep);
  }
  const fromKernel = () => show(model.get("index"));
  model.on("change:index", fromKernel);
  show(model.get("index"));
  img.decode().then(
    () => root.setAttribute("data-render-ms", (performance.now() - t0).toFixed(1)),
    () => undefined,
  );

  return () => {
    model.off("change:index", fromKernel);
    Promise.all(decoded).then(() => {
      urls.forEach((url) => URL.revokeObjectURL(url));
      images.length = 0;
    });
  };
}

export default { render };
