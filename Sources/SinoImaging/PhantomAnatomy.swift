/// The background anatomy of the SYNTHETIC sinonasal phantom, in anatomy coordinates (mm):
/// x right-left (0 = midline), y posterior-anterior (0 near the middle of the nasal cavity),
/// z inferior-superior (0 = hard palate). A stack of axial slices from the palate to the
/// frontal lobes shows the maxillary sinuses and nasal cavity low, the ethmoid cells and
/// orbits in the middle, the anterior cranial fossa (brain) above the cribriform plate.
/// Structures are painted back to front (later ones replace earlier ones), so bony walls are
/// the rim left between a structure's bone and its mucosa or air.
enum PhantomAnatomy {
    /// Height of the cribriform plate (floor of the anterior cranial fossa), mm.
    static let skullBase = 57.0

    /// Centre of the orbit on `side` (+1 or -1).
    static func orbitCenter(_ side: Double) -> PhantomPoint { PhantomPoint(side * 36, 18, 46) }

    /// Centre of the maxillary sinus on `side`.
    static func maxillaryCenter(_ side: Double) -> PhantomPoint { PhantomPoint(side * 30, 12, 16) }
    static let maxillaryRadii = PhantomPoint(18, 22, 17)

    /// Where the patient lies in the scanner: head size (larger in men), a small yaw and shift.
    static func pose(male: Bool, _ random: inout PhantomRandom) -> PhantomPose {
        PhantomPose(
            scale: random.normal(1, 0.035) * (male ? 1.02 : 0.98),
            yaw: random.normal(0, 3) * Double.pi / 180,
            shift: PhantomPoint(random.normal(0, 2.5), random.normal(0, 3), random.normal(0, 3)))
    }

    /// Paints the head; `secretionsSide` fills that maxillary sinus with retained secretions
    /// (an obstructed ostium).
    static func paint(_ canvas: inout PhantomCanvas, secretionsSide: Double?, _ random: inout PhantomRandom) {
        func blob(_ c: (Double, Double, Double), _ r: (Double, Double, Double), power4: Bool = false) -> PhantomBlob {
            PhantomBlob(center: PhantomPoint(c.0, c.1, c.2), radii: PhantomPoint(r.0, r.1, r.2), power4: power4)
        }
        // Scalp fat over the soft tissue of the face and head; external nose; chewing muscles.
        canvas.paint(blob((0, -25, 50), (74, 96, 100)), .fat)
        canvas.paint(blob((0, -25, 50), (67, 89, 93)), .softTissue)
        canvas.paint(blob((0, 66, 26), (11, 15, 24)), .softTissue)
        for s in [-1.0, 1.0] {
            canvas.paint(blob((s * 50, -22, 18), (13, 24, 22)), .muscle)
            canvas.paint(blob((s * 60, -22, 62), (7, 24, 24)), .muscle)
        }
        paintBrain(&canvas, &random)
        // Frontal bone and the two frontal sinuses.
        canvas.paint(blob((0, 50, 78), (30, 13, 19)), .bone)
        for s in [-1.0, 1.0] {
            let sinus = blob((s * 9, 52, 79), (8, 5, 10))
            canvas.paint(sinus, .mucosa, offset: 1.5)
            canvas.paint(sinus, .air)
        }
        paintSinonasal(&canvas, secretionsSide: secretionsSide, &random)
        paintOrbits(&canvas)
        canvas.paint(blob((0, 15, 1), (30, 45, 3.5)), .bone) // hard palate
    }

    static func paintBrain(_ canvas: inout PhantomCanvas, _ random: inout PhantomRandom) {
        let center = PhantomPoint(0, -30, 100)
        canvas.paint(PhantomBlob(center: center, radii: PhantomPoint(70, 90, 50)), .bone)
        canvas.paint(PhantomBlob(center: center, radii: PhantomPoint(64, 84, 44)), .csf)
        canvas.paint(PhantomBlob(center: center, radii: PhantomPoint(62, 82, 42)), .greyMatter)
        let whiteMatter = PhantomPoint(random.uniform(48, 52), random.uniform(67, 73), random.uniform(29, 33))
        canvas.paint(PhantomBlob(center: center, radii: whiteMatter), .whiteMatter)
        canvas.paint(PhantomBlob(center: center, radii: PhantomPoint(1, 84, 46), power4: true), .csf) // falx
    }

    static func paintSinonasal(_ canvas: inout PhantomCanvas, secretionsSide: Double?, _ random: inout PhantomRandom) {
        // Nasal cavity (lower part and the narrow olfactory cleft), maxillary and sphenoid
        // sinuses: bone first, then mucosa of variable thickness, then air.
        let cavities: [PhantomBlob] = [
            PhantomBlob(center: PhantomPoint(0, 10, 24), radii: PhantomPoint(17, 46, 24), power4: true),
            PhantomBlob(center: PhantomPoint(0, 8, 48), radii: PhantomPoint(7, 34, 11), power4: true),
            PhantomBlob(center: maxillaryCenter(-1), radii: maxillaryRadii),
            PhantomBlob(center: maxillaryCenter(1), radii: maxillaryRadii),
            PhantomBlob(center: PhantomPoint(0, -36, 40), radii: PhantomPoint(17, 13, 13))
        ]
        for cavity in cavities { canvas.paint(cavity, .bone) }
        // Ethmoid labyrinths: bone blocks honeycombed by air cells.
        for s in [-1.0, 1.0] {
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 15, 8, 47), radii: PhantomPoint(6.5, 24, 11), power4: true), .bone)
        }
        for cavity in cavities { canvas.paint(cavity, .mucosa, offset: -2) }
        for (index, cavity) in cavities.enumerated() {
            let thickening = random.uniform(1, 4)
            canvas.paint(cavity, .air, offset: -2 - thickening)
            if index == 2 || index == 3, let side = secretionsSide, side == (index == 2 ? -1 : 1) {
                canvas.paint(cavity, .secretions, offset: -2 - thickening - 0.5)
            }
        }
        for s in [-1.0, 1.0] {
            for x in [12.0, 18.0] {
                for y in stride(from: -12.0, through: 28, by: 10) {
                    for z in [41.0, 53.0] {
                        let cell = PhantomBlob(
                            center: PhantomPoint(
                                s * (x + random.uniform(-0.8, 0.8)), y + random.uniform(-1.5, 1.5),
                                z + random.uniform(-1.5, 1.5)),
                            radii: PhantomPoint(2.4, 4, 4.5) * random.uniform(0.85, 1.1))
                        canvas.paint(cell, .mucosa, offset: 0.8)
                        canvas.paint(cell, .air)
                    }
                }
            }
        }
        // Nasopharynx, nasal septum, turbinates.
        let nasopharynx = PhantomBlob(center: PhantomPoint(0, -42, 14), radii: PhantomPoint(13, 8, 14))
        canvas.paint(nasopharynx, .mucosa, offset: 2)
        canvas.paint(nasopharynx, .air)
        canvas.paint(PhantomBlob(center: PhantomPoint(0, 10, 28), radii: PhantomPoint(1.3, 42, 27), power4: true), .bone)
        for s in [-1.0, 1.0] {
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 10, 5, 13), radii: PhantomPoint(5, 32, 6)), .mucosa)
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 9, 2, 28), radii: PhantomPoint(3.5, 26, 5)), .mucosa)
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 6, -8, 42), radii: PhantomPoint(2.5, 14, 3.5)), .mucosa)
        }
    }

    static func paintOrbits(_ canvas: inout PhantomCanvas) {
        for s in [-1.0, 1.0] {
            let orbit = PhantomBlob(center: orbitCenter(s), radii: PhantomPoint(19, 24, 17))
            canvas.paint(orbit, .bone)
            canvas.paint(orbit, .fat, offset: -2.5)
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 23, 14, 46), radii: PhantomPoint(3, 17, 4)), .muscle)
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 50, 14, 46), radii: PhantomPoint(3, 17, 4)), .muscle)
            canvas.paint(PhantomBlob(center: PhantomPoint(s * 33, 2, 46), radii: PhantomPoint(2.5, 16, 2.5)), .whiteMatter)
            let globe = PhantomBlob(center: PhantomPoint(s * 36, 30, 46), radii: PhantomPoint(12.5, 12.5, 12.5))
            canvas.paint(globe, .muscle)
            canvas.paint(globe, .vitreous, offset: -1.2)
        }
    }
}
