// The import wizard's drop zone: a file dropped on it goes to the InputFile, exactly as if it had been browsed.
export function attachDropzone(zone, inputId) {
    const input = document.getElementById(inputId);
    const over = event => {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        zone.classList.add("dropzone-over");
    };
    const leave = event => {
        if (!zone.contains(event.relatedTarget)) {
            zone.classList.remove("dropzone-over");
        }
    };
    const drop = event => {
        event.preventDefault();
        zone.classList.remove("dropzone-over");
        if (!input || input.disabled || !event.dataTransfer || event.dataTransfer.files.length === 0) {
            return;
        }

        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
    };

    zone.addEventListener("dragenter", over);
    zone.addEventListener("dragover", over);
    zone.addEventListener("dragleave", leave);
    zone.addEventListener("drop", drop);
    // Until now a drop would have gone to the browser (which opens the file): say the zone takes files from here on.
    zone.dataset.ready = "true";
    return {
        dispose() {
            delete zone.dataset.ready;
            zone.removeEventListener("dragenter", over);
            zone.removeEventListener("dragover", over);
            zone.removeEventListener("dragleave", leave);
            zone.removeEventListener("drop", drop);
        },
    };
}
