// The review grid's keyboard: arrow keys move between cells (the component moves the focus), so they must not also
// scroll the page; Tab in a cell's editor saves it (the component) and focus returns to the cell, as after Enter.
// One listener for the document: the grid's table is re-rendered with each page.
let attached = false;

export function attachGrid() {
    if (attached) {
        return;
    }

    attached = true;
    document.addEventListener("keydown", event => {
        const target = event.target;
        if (!(target instanceof Element) || !target.closest(".review-grid-table")) {
            return;
        }

        const inEditor = target instanceof HTMLInputElement;
        if ((!inEditor && target.matches("td[data-column]") && ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key))
            || (inEditor && event.key === "Tab")) {
            event.preventDefault();
        }
    });
}

export function focusCell(id) {
    document.getElementById(id)?.focus();
}
